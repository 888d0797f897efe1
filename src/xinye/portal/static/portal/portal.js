/* Enhancement only: fill in the phone's location (with the browser's consent prompt). Forms work without it. */
(function () {
  if (!("geolocation" in navigator)) return;
  function locate(done, failed) {
    navigator.geolocation.getCurrentPosition(function (p) { done(p.coords.latitude, p.coords.longitude); },
      function () { alert("无法获取位置，请允许定位，或按地区查找。"); if (failed) failed(); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  var btn = document.getElementById("locate");
  if (btn) {
    btn.hidden = false;
    var note = document.getElementById("geo-note"); if (note) note.hidden = false;
    btn.addEventListener("click", function () {
      btn.disabled = true; btn.textContent = "正在定位…";
      locate(function (lat, lng) {
        document.getElementById("lat").value = lat.toFixed(6);
        document.getElementById("lng").value = lng.toFixed(6);
        document.getElementById("geo-form").submit();
      }, function () { btn.disabled = false; btn.textContent = "使用我的位置查找"; });
    });
  }
  var fill = document.getElementById("locate-fill");
  if (fill) {
    fill.hidden = false;
    fill.addEventListener("click", function () {
      locate(function (lat, lng) {
        document.getElementById("id_latitude").value = lat.toFixed(6);
        document.getElementById("id_longitude").value = lng.toFixed(6);
        fill.textContent = "已填入当前位置";
      });
    });
  }
})();
