"""One FastAPI router per page of the desk; each turns a request into one service call and a
template, and words the service's refusals for the page's reader."""
