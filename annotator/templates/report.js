document.addEventListener('click', function (ev) {
  var seg = ev.target.closest('.seg[data-attr]');
  if (!seg) return;
  var article = seg.closest('section.article');
  article.querySelectorAll('.active').forEach(function (el) { el.classList.remove('active'); });
  var ids = seg.getAttribute('data-attr').split(' ');
  ids.forEach(function (id) {
    article.querySelectorAll('.seg[data-attr~="' + id + '"]').forEach(function (el) { el.classList.add('active'); });
    var row = article.querySelector('li.attr[data-attr="' + id + '"]');
    if (row) { row.classList.add('active'); }
  });
  var box = article.querySelector('.attr-detail');
  var first = article.querySelector('li.attr[data-attr="' + ids[0] + '"]');
  if (box && first) { box.textContent = first.textContent; }
});
