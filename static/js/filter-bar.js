// Fold a list's filter bar on a narrow screen, so that the first screen shows results;
// a bar with a filter set stays open (the server leaves out data-fold-narrow). Without
// this script the bar is simply open.
(function () {
  if (!window.matchMedia("(max-width: 40rem)").matches) return;
  document.querySelectorAll("details.filter-bar[data-fold-narrow]").forEach(function (bar) {
    bar.open = false;
  });
})();
