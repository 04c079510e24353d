// The search page: the sort order applies as soon as it is chosen; on a narrow screen the
// filters start folded above the results (the URL keeps the state).
(function () {
  var sort = document.querySelector("form.sort select[name=sort]");
  if (sort) {
    sort.addEventListener("change", function () { sort.form.submit(); });
  }
  var facets = document.getElementById("facet-box");
  if (facets && window.matchMedia("(max-width: 900px)").matches) {
    facets.open = false;
  }
})();
