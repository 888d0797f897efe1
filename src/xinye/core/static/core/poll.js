/* One way to poll a JSON status on a timer, shared by the job page (jobs/poll.js) and the wall screen
   (reports/charts.js); a file of its own because the CSP forbids inline script.
   xinyePoll(url, {first, every, retry, gone, receive}) fetches `url` (same origin, never from cache) `first` ms
   from now and then `every` ms after each answer, handing the JSON to `receive`, which returns false to stop.
   An answer whose status is in `gone` (e.g. [403, 404]: the link was revoked) reloads the page to show it;
   any other failure (offline, a 5xx) keeps what is shown and tries again after `retry` ms. */
window.xinyePoll = function (url, o) {
  "use strict";
  var gone = o.gone || [];
  function later(ms) { setTimeout(poll, ms); }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (gone.indexOf(r.status) >= 0) { window.location.reload(); return; }
        if (!r.ok) { throw new Error(r.status); }
        return r.json().then(function (data) { if (o.receive(data) !== false) { later(o.every); } });
      })
      .catch(function () { later(o.retry || o.every); });
  }
  later(o.first === undefined ? o.every : o.first);
};
