"""The shared user-interface room: GOV.UK form rendering, the step-by-step wizard, the page layouts and
template tags, extension points between apps, spreadsheet exports, month helpers, the navigation and the
demo loaders' clock. Every app imports from here; this room imports no app but ``accounts``."""
