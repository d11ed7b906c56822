// New article: the slug follows the title as it is typed (as Django's slugify makes it, which
// the server also uses when the slug is left empty) until the editor types a slug of their own.
(function () {
  "use strict";
  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^\x00-\x7f]/g, "")
      .toLowerCase()
      .replace(/[^\w\s-]/g, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 116)
      .replace(/-+$/, "");
  }
  document.querySelectorAll("[data-slug-from]").forEach(function (slug) {
    var title = document.getElementById(slug.dataset.slugFrom);
    if (!title) {
      return;
    }
    var follows = slug.value === "" || slug.value === slugify(title.value);
    slug.addEventListener("input", function () {
      follows = slug.value === "";
    });
    title.addEventListener("input", function () {
      if (follows) {
        slug.value = slugify(title.value);
      }
    });
  });
})();
