// 我的任务: the job page polls its status until the job has finished, then reloads (no inline script: CSP)
(function () {
  var box = document.getElementById("job");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { location.reload(); return; }
        document.getElementById("job-state").textContent = s.state_label;
        document.getElementById("job-text").textContent = s.text;
        var bar = document.getElementById("job-progress");
        if (s.percent === null) { bar.removeAttribute("value"); } else { bar.value = s.percent; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  if (box && box.dataset.finished !== "1") setTimeout(poll, 1000);
})();
