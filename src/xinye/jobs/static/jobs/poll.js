// 我的任务: the job page polls its status (core/poll.js) until the job has finished, then reloads
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  window.xinyePoll(box.dataset.statusUrl, {
    first: 1000, every: 1500, retry: 5000,
    receive: function (s) {
      if (s.finished) { location.reload(); return false; }
      document.getElementById("job-state").textContent = s.state_label;
      document.getElementById("job-text").textContent = s.text;
      var bar = document.getElementById("job-progress");
      if (s.percent === null) { bar.removeAttribute("value"); } else { bar.value = s.percent; }
    }
  });
})();
