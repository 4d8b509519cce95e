// Marks the page as able to run GOV.UK Frontend's JavaScript, then starts its components.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
