/* 「現在地から探す」: on request only, asks the browser for the device's position and sends it to
   this site's own search as the origin (lat/lng, rounded to about 100 m). Nothing is asked before
   the click and nothing goes to another host. Without JavaScript, or without geolocation, the
   button stays hidden and the address, postcode or facility name works as before. */
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  if (!button || !("geolocation" in navigator)) return;
  var form = button.closest("form");
  var status = form.querySelector("[data-near-me-status]");
  var near = form.querySelector("[name=near]");

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function field(name) {
    var input = form.querySelector("input[type=hidden][name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      button.parentNode.insertBefore(input, button);
    }
    return input;
  }

  function dropPosition() {
    ["lat", "lng"].forEach(function (name) {
      var input = form.querySelector("input[type=hidden][name=" + name + "]");
      if (input) input.remove();
    });
  }

  // A place typed after a position search is the new origin: the old position goes.
  if (near) near.addEventListener("input", dropPosition);

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say("現在地を確認しています…（ブラウザーが位置情報の利用の許可を求めたら、許可してください）");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        field("lat").value = position.coords.latitude.toFixed(3);
        field("lng").value = position.coords.longitude.toFixed(3);
        if (near) near.value = "";
        var picked = form.querySelector("input[type=hidden][name=near_facility]");
        if (picked) picked.remove();
        say("現在地から近い順に探しています…");
        form.submit();
      },
      function (error) {
        button.disabled = false;
        say(
          error.code === error.PERMISSION_DENIED
            ? "位置情報の利用が許可されていないため、現在地が分かりませんでした。住所・郵便番号・施設名を入力してください。"
            : "現在地が分かりませんでした。住所・郵便番号・施設名を入力してください。"
        );
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
    );
  });
})();
