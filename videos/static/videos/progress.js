/* Live progress on a video page: polls status.json and reloads into the player when done.
   Backs off on errors and gives up with a message, so the page never spins for ever. */
(function () {
  "use strict";

  var box = document.getElementById("video-status");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  var url = box.dataset.statusUrl;
  var label = box.querySelector('[data-role="label"]');
  var bar = box.querySelector('[data-role="bar"]');
  var steps = box.querySelectorAll('[data-role="steps"] li');
  var note = box.querySelector('[data-role="note"]');
  var stalled = box.querySelector('[data-role="stalled"]');
  var delay = 1000;
  var failures = 0;
  var MAX_DELAY = 10000;
  var HEALTHY_MAX_DELAY = 3000;
  var MAX_FAILURES = 12;

  function show(status) {
    box.dataset.status = status.status;
    label.textContent = status.label;
    label.className = "badge badge--" + status.status;
    bar.style.width = status.progress + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(status.progress));
    if (stalled) {
      stalled.hidden = !status.stalled;
    }
    for (var i = 0; i < steps.length; i += 1) {
      var state = i <= status.step ? "done" : i === status.step + 1 ? "current" : "todo";
      steps[i].className = "steps__item steps__item--" + state;
    }
  }

  function say(text) {
    if (note) {
      note.textContent = text;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          throw new Error("gone");
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.ready || status.failed) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.25, HEALTHY_MAX_DELAY);
        window.setTimeout(poll, delay);
      })
      .catch(function (error) {
        if (error.message === "gone") {
          say("This video no longer exists.");
          return;
        }
        failures += 1;
        if (failures >= MAX_FAILURES) {
          say("Lost contact with the server. Reload the page to try again.");
          return;
        }
        delay = Math.min(delay * 2, MAX_DELAY);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
