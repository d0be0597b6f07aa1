/* The upload form, talking back: a file that is obviously too large is refused before a byte is
   sent; the upload runs over XMLHttpRequest so a progress bar can show how much has been sent;
   a video file dropped anywhere on the page is chosen; the form cannot be sent twice. When the
   server refuses the file, its message is shown and everything typed stays. Without
   JavaScript the form posts as a normal form, and the server keeps what was typed. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  var button = document.getElementById("upload-button");
  var error = document.getElementById("upload-error");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percent = document.getElementById("upload-percent");
  var hint = document.getElementById("drop-hint");
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var sending = false;

  function say(text) {
    error.textContent = text;
    error.hidden = !text;
  }

  function tooLarge() {
    var file = input.files && input.files[0];
    return Boolean(file && maxBytes && file.size > maxBytes);
  }

  function done() {
    sending = false;
    button.disabled = false;
    button.textContent = "Upload";
  }

  function show(sent) {
    var value = Math.floor(sent * 100);
    bar.value = value;
    percent.textContent = value + "%";
  }

  function refused(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var messages = [];
    var server = page.getElementById("upload-error");
    if (server && server.textContent.trim()) {
      messages.push(server.textContent.trim());
    }
    page.querySelectorAll(".field__error").forEach(function (item) {
      messages.push(item.textContent.trim());
    });
    if (!messages.length) {
      messages.push(xhr.status === 0 ? "The connection was lost. Please try again."
        : "The upload was refused (" + xhr.status + "). Please try again.");
    }
    say(messages.join(" "));
  }

  input.addEventListener("change", function () {
    say(tooLarge() ? form.dataset.tooLarge : "");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) {
      return;
    }
    if (tooLarge()) {
      say(form.dataset.tooLarge);
      return;
    }
    if (!form.reportValidity()) {
      return;
    }
    sending = true;
    button.disabled = true;
    button.textContent = "Uploading…";
    say("");
    box.hidden = false;
    show(0);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        show(progress.loaded / progress.total);
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL.indexOf("/videos/") !== -1) {
        show(1);
        button.textContent = "Uploaded";
        window.location.assign(xhr.responseURL);
        return;
      }
      box.hidden = true;
      refused(xhr);
      done();
    });
    xhr.addEventListener("error", function () {
      box.hidden = true;
      say("The connection was lost. Please try again.");
      done();
    });
    xhr.send(new FormData(form));
  });

  hint.hidden = false;
  document.addEventListener("dragover", function (event) {
    event.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", function (event) {
    if (!event.relatedTarget) {
      document.body.classList.remove("dragging");
    }
  });
  document.addEventListener("drop", function (event) {
    event.preventDefault();
    document.body.classList.remove("dragging");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length || sending) {
      return;
    }
    var transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change"));
  });
})();
