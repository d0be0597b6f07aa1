/* The video page around the player: start at ?t=, an interactive transcript (click a cue to
   seek; the cue being spoken is highlighted and kept in view), and a share link at the current
   time. Without JavaScript the player, the download link and the transcript still work. */
(function () {
  "use strict";

  var page = document.querySelector(".video-page");
  var player = document.getElementById("player");
  if (!page || !player) {
    return;
  }
  var list = document.getElementById("cues");
  var cues = list ? Array.prototype.slice.call(list.querySelectorAll(".cue")) : [];
  var current = null;

  function startAt(seconds) {
    if (!(seconds > 0)) {
      return;
    }
    function seek() {
      var end = isFinite(player.duration) ? Math.max(player.duration - 0.1, 0) : seconds;
      player.currentTime = Math.min(seconds, end);
    }
    if (player.readyState >= 1) {
      seek();
    } else {
      player.addEventListener("loadedmetadata", seek, { once: true });
    }
  }

  function remember(seconds) {
    var url = new URL(window.location.href);
    url.searchParams.set("t", String(Math.floor(seconds)));
    window.history.replaceState(null, "", url.toString());
  }

  function cueAt(time) {
    var found = null;
    for (var i = 0; i < cues.length; i += 1) {
      if (parseFloat(cues[i].dataset.start) <= time + 0.05) {
        found = cues[i];
      } else {
        break;
      }
    }
    if (found && time > parseFloat(found.dataset.end) + 1.5) {
      return null;
    }
    return found;
  }

  function keepInView(cue) {
    var top = cue.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + cue.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(top - list.clientHeight / 3, 0);
    }
  }

  function highlight() {
    var cue = cueAt(player.currentTime);
    if (cue === current) {
      return;
    }
    if (current) {
      current.classList.remove("cue--current");
      current.removeAttribute("aria-current");
    }
    current = cue;
    if (cue) {
      cue.classList.add("cue--current");
      cue.setAttribute("aria-current", "true");
      if (!player.paused) {
        keepInView(cue);
      }
    }
  }

  cues.forEach(function (cue) {
    cue.addEventListener("click", function (event) {
      event.preventDefault();
      var seconds = parseFloat(cue.dataset.start);
      player.currentTime = seconds;
      remember(seconds);
      highlight();
      var playing = player.play();
      if (playing && playing.catch) {
        playing.catch(function () {});
      }
    });
  });
  player.addEventListener("timeupdate", highlight);
  player.addEventListener("seeked", highlight);

  var share = document.getElementById("share-button");
  var output = document.getElementById("share-output");
  var link = document.getElementById("share-link");
  var note = document.getElementById("share-note");
  if (share && output && link) {
    share.hidden = false;
    share.addEventListener("click", function () {
      var url = new URL(window.location.href);
      url.search = "";
      url.hash = "";
      var seconds = Math.floor(player.currentTime || 0);
      if (seconds > 0) {
        url.searchParams.set("t", String(seconds));
      }
      link.value = url.toString();
      output.hidden = false;
      link.focus();
      link.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link.value).then(
          function () { note.textContent = "Link copied."; },
          function () { note.textContent = "Copy the link above."; }
        );
      } else {
        note.textContent = "Copy the link above.";
      }
    });
  }

  startAt(parseFloat(page.dataset.start));
})();
