// Read-aloud (语音播报) on every page, with the browser's speech synthesis in the page's language.
(function () {
  "use strict";
  function status(text) {
    var el = document.querySelector("[data-read-status]");
    if (el) { el.textContent = text; }
  }
  function pageText() {
    var main = document.getElementById("main");
    return (main ? main.innerText : document.body.innerText).replace(/\s+/g, " ").trim();
  }
  function textOf(button) {
    var id = button.getAttribute("data-target");
    var el = id ? document.getElementById(id) : null;
    return el ? el.innerText.replace(/\s+/g, " ").trim() : pageText();
  }
  function speak(button) {
    var synth = window.speechSynthesis;
    var zh = (button.getAttribute("data-lang") || "zh-CN").indexOf("zh") === 0;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      status(zh ? "此浏览器不支持朗读" : "This browser cannot read aloud");
      return;
    }
    if (synth.speaking) {
      synth.cancel();
      button.setAttribute("aria-pressed", "false");
      status(zh ? "已停止朗读" : "Stopped");
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(textOf(button));
    utterance.lang = button.getAttribute("data-lang") || "zh-CN";
    utterance.rate = document.documentElement.classList.contains("elder") ? 0.85 : 1;
    utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
    button.setAttribute("aria-pressed", "true");
    status(zh ? "正在朗读，再按一次停止" : "Reading aloud; press again to stop");
    synth.speak(utterance);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-read-aloud]");
    if (button) { speak(button); }
  });
  // The assistant: a new answer scrolls into view, the box empties, and in 长辈版 it is read aloud.
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "conversation") { return; }
    var empty = document.getElementById("chat-empty");
    if (empty) { empty.remove(); }
    var fresh = list.querySelectorAll("[data-fresh]");
    var turn = fresh[fresh.length - 1];
    if (!turn) { return; }
    turn.removeAttribute("data-fresh");
    turn.scrollIntoView({ block: "start" });
    var box = document.querySelector("[data-ask] textarea");
    if (box) { box.value = ""; }
    var button = turn.querySelector("[data-read-aloud]");
    if (button && document.documentElement.classList.contains("elder")) {
      if (window.speechSynthesis) { window.speechSynthesis.cancel(); }
      speak(button);
    }
  });
})();

// Appeal forms: suggest a category and flag urgency as the member types (POST /api/v1/appeals/classify).
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-classify]");
  var out = document.getElementById("suggest");
  if (!box || !out || !window.fetch) { return; }
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var timer = null;
  function ask() {
    var text = box.value.trim();
    if (text.length < 8) { out.textContent = ""; return; }
    fetch("/api/v1/appeals/classify", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify({ text: text })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      var label = out.getAttribute("data-label-" + data.category) || data.category;
      out.textContent = (zh ? "系统判断类别：" : "Suggested category: ") + label +
        (data.urgent ? (zh ? "。属于紧急情况，会立即通知工会主席。" : ". Marked urgent: the union chair is told at once.") : "");
    }).catch(function () {});
  }
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 600);
  });
})();

// Offer page: a countdown to the opening (the server still decides; this only shows the time).
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) { return; }
  var opens = new Date(box.getAttribute("data-countdown")).getTime();
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((opens - Date.now()) / 1000));
    if (left === 0) { box.textContent = box.getAttribute("data-done"); window.location.reload(); return; }
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    box.textContent = (zh ? "距开始 " : "Opens in ") + (h ? h + ":" : "") + pad(m) + ":" + pad(s);
    setTimeout(tick, 1000);
  }
  tick();
})();

// Check-in: the phone camera reads QR codes where the browser has BarcodeDetector; a hardware
// scanner or the keyboard types into the field, and Enter submits as usual.
(function () {
  "use strict";
  var box = document.querySelector("[data-scanner]");
  var form = document.querySelector("form[data-checkin]");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  box.hidden = false;
  var video = box.querySelector("video");
  var field = form.querySelector("input[name=token]");
  box.querySelector("[data-scan-start]").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      function look() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            field.value = codes[0].rawValue;
            stream.getTracks().forEach(function (t) { t.stop(); });
            form.submit();
          } else {
            requestAnimationFrame(look);
          }
        }).catch(function () { requestAnimationFrame(look); });
      }
      look();
    }).catch(function () { box.hidden = true; });
  });
})();

// 代办: the member signs with a finger on the volunteer's phone; the stroke goes with the form as
// a PNG. The signature pad only shows when the signature method is chosen.
(function () {
  var canvas = document.getElementById("signature-pad");
  var form = document.getElementById("proxy-form");
  if (!canvas || !form) return;
  var ctx = canvas.getContext("2d");
  var drawing = false, inked = false;
  ctx.lineWidth = 4; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  function point(event) {
    var box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true; var p = point(event); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    canvas.setPointerCapture(event.pointerId); event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return; var p = point(event); ctx.lineTo(p[0], p[1]); ctx.stroke(); inked = true;
  });
  canvas.addEventListener("pointerup", function () { drawing = false; });
  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.fillRect(0, 0, canvas.width, canvas.height); inked = false;
  });
  var field = document.getElementById("signature-field");
  function method() { var c = form.querySelector("input[name=method]:checked"); return c ? c.value : "signature"; }
  function sync() { field.hidden = method() !== "signature"; }
  form.addEventListener("change", sync); sync();
  form.addEventListener("submit", function () {
    form.querySelector("input[name=signature]").value = inked && method() === "signature" ? canvas.toDataURL("image/png") : "";
  });
})();

// A form or button with data-confirm asks before it acts (a decision that is hard to undo).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var asker = (button && button.closest("[data-confirm]")) || event.target.closest("[data-confirm]");
    if (asker && !window.confirm(asker.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();

// The workbench menu stays open as a sidebar on a desktop.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 1000px)").matches) {
    document.querySelectorAll("details[data-desktop-open]").forEach(function (d) { d.open = true; });
  }
})();

// A number box with data-stepper gets − and + buttons: easier than a phone's keyboard.
(function () {
  "use strict";
  function button(text, label, step) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function () {
      var input = b.parentNode.querySelector("input");
      try { if (step > 0) { input.stepUp(); } else { input.stepDown(); } } catch (e) { return; }
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return b;
  }
  document.querySelectorAll("input[data-stepper]").forEach(function (input) {
    var zh = document.documentElement.lang !== "en";
    var wrap = document.createElement("div");
    wrap.className = "stepper";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(button("−", zh ? "减少" : "Less", -1));
    wrap.appendChild(input);
    wrap.appendChild(button("+", zh ? "增加" : "More", 1));
  });
})();

// A file box becomes one big button in the page's language (拍照或选照片) with the chosen
// names beside it, instead of the browser's own words.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";
  document.querySelectorAll(".field input[type=file]").forEach(function (input) {
    if (!input.id) { return; }
    var photos = (input.getAttribute("accept") || "").indexOf("image") >= 0;
    var label = document.createElement("label");
    label.className = "btn file-pick";
    label.setAttribute("for", input.id);
    label.textContent = photos ? (zh ? "拍照或选照片" : "Take or choose a photo") : (zh ? "选择文件" : "Choose a file");
    var chosen = document.createElement("span");
    chosen.className = "file-chosen muted";
    chosen.setAttribute("aria-live", "polite");
    chosen.textContent = zh ? "还没有选择" : "Nothing chosen yet";
    input.classList.add("file-native");
    input.parentNode.insertBefore(label, input.nextSibling);
    label.parentNode.insertBefore(chosen, label.nextSibling);
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      chosen.textContent = names.length ? names.join("、") : (zh ? "还没有选择" : "Nothing chosen yet");
    });
  });
})();

// A lesson: the video player reports where it is about every 10 s while it plays, and resumes
// where the member stopped; a document or text reports when its end comes on screen. The server
// decides what counts (learning.courses); this only tells it what happened.
(function () {
  "use strict";
  var box = document.querySelector("[data-lesson]");
  if (!box || !window.fetch) { return; }
  var id = box.getAttribute("data-lesson");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var status = document.getElementById("lesson-status");
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function post(path, body) {
    return fetch("/api/v1/lessons/" + id + "/" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.ok ? r.json() : null; });
  }
  function show(data) {
    if (data && data.done && status) { status.textContent = zh ? "本课已完成" : "Lesson complete"; }
  }
  var video = box.querySelector("video");
  if (video) {
    var start = parseFloat(box.getAttribute("data-position") || "0");
    video.addEventListener("loadedmetadata", function () {
      if (start > 0 && start < video.duration - 5) { video.currentTime = start; }
    });
    var timer = null;
    video.addEventListener("play", function () {
      clearInterval(timer);
      timer = setInterval(function () {
        post("heartbeat", { position: Math.floor(video.currentTime) }).then(show).catch(function () {});
      }, 10000);
    });
    ["pause", "ended"].forEach(function (name) {
      video.addEventListener(name, function () {
        clearInterval(timer);
        post("heartbeat", { position: Math.floor(video.currentTime) }).then(show).catch(function () {});
      });
    });
    return;
  }
  var end = document.getElementById("lesson-end");
  if (!end || box.hasAttribute("data-done") || !("IntersectionObserver" in window)) { return; }
  var seen = new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) {
      seen.disconnect();
      post("end").then(function (data) {
        show(data);
        if (data && data.done) { end.textContent = zh ? "已读完" : "Read to the end"; }
      }).catch(function () {});
    }
  });
  seen.observe(end);
})();

// An exam: the time left to the server's deadline (the server still decides; this only shows it).
(function () {
  "use strict";
  var box = document.querySelector("[data-deadline]");
  if (!box) { return; }
  var ends = new Date(box.getAttribute("data-deadline")).getTime();
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    if (left === 0) { box.textContent = box.getAttribute("data-done"); return; }
    var m = Math.floor(left / 60), s = left % 60;
    box.textContent = (zh ? "剩余时间 " : "Time left ") + m + ":" + pad(s);
    setTimeout(tick, 1000);
  }
  tick();
})();
