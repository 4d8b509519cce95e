// "Print this page" buttons on the printable plan: the page's own print stylesheet does the rest.
for (const button of document.querySelectorAll("[data-pw-print]")) {
  button.addEventListener("click", () => window.print());
}
