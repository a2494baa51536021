// Shipshape: small progressive enhancements. Every page works without this file.
"use strict";

(function () {
  const csrfToken = () =>
    document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") || "";

  // Theme toggle: flips between light and dark and remembers the choice.
  const themeButton = document.getElementById("theme-toggle");
  if (themeButton) {
    themeButton.hidden = false;
    themeButton.addEventListener("click", () => {
      const root = document.documentElement;
      const systemDark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      const current = root.dataset.theme || (systemDark ? "dark" : "light");
      const next = current === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try {
        window.localStorage.setItem("theme", next);
      } catch (e) {
        // Not saved; the choice lasts for this page only.
      }
    });
  }

  // Settings: fill the time zone from the device.
  const deviceZone = document.getElementById("use-device-zone");
  if (deviceZone) {
    deviceZone.hidden = false;
    deviceZone.addEventListener("click", () => {
      document.getElementById("timezone").value =
        Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    });
  }

  // Registration: default the time zone to the browser's.
  const zoneField = document.querySelector('input[name="timezone"][type="hidden"]');
  if (zoneField) {
    try {
      zoneField.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    } catch (e) {
      zoneField.value = "UTC";
    }
  }

  const study = document.getElementById("study");
  if (study) {
    setUpStudy(study);
  }
  const allDone = document.getElementById("done-undo");
  if (allDone) {
    // The all-done page keeps the study page's Z: take back the last rating.
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select") return;
      if (event.key === "z" || event.key === "Z") {
        event.preventDefault();
        allDone.requestSubmit();
      }
    });
  }

  const quiz = document.getElementById("quiz");
  if (quiz) {
    setUpQuiz(quiz);
  }

  function setUpQuiz(root) {
    const form = document.getElementById("answer-form");
    const state = document.getElementById("save-state");
    const kind = root.dataset.kind;

    function currentAnswer() {
      if (kind === "multiple") {
        return [...form.querySelectorAll('input[name="answer"]:checked')].map((n) => n.value);
      }
      if (kind === "matching") {
        const pairs = {};
        for (const select of form.querySelectorAll("select")) {
          if (select.value) pairs[select.name.slice(6)] = select.value;
        }
        return pairs;
      }
      const field = form.querySelector('input[name="answer"]:checked, input[name="answer"]:not([type=radio])');
      return field && field.value !== "" ? field.value : null;
    }

    let timer = null;
    let retry = null;
    async function save() {
      clearTimeout(retry);
      state.textContent = "Saving…";
      try {
        const response = await fetch(root.dataset.saveUrl, {
          method: "PUT",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ answer: currentAnswer() }),
        });
        retry = null;
        const body = await response.json();
        state.textContent = response.ok ? "Answer saved." : body.error.message;
        if (response.status === 409) window.location.reload();
      } catch (error) {
        // Keep trying: as soon as the connection is back the answer is saved,
        // so a dropped connection loses nothing even if the learner waits.
        state.textContent = "Not saved yet: no connection. Retrying…";
        retry = setTimeout(save, 3000);
      }
    }
    window.addEventListener("online", () => {
      if (retry !== null) save();
    });

    if (form && !form.querySelector("fieldset[disabled], input[disabled]")) {
      form.addEventListener("change", save);
      form.addEventListener("input", (event) => {
        if (event.target.type === "text" || event.target.tagName === "INPUT") {
          clearTimeout(timer);
          timer = setTimeout(save, 400);
        }
      });
    }

    const deadline = root.dataset.deadline ? Date.parse(root.dataset.deadline) : null;
    const countdown = document.getElementById("countdown");
    if (deadline && countdown) {
      const tick = () => {
        const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
        const minutes = Math.floor(left / 60);
        const seconds = String(left % 60).padStart(2, "0");
        countdown.textContent = `${minutes}:${seconds}`;
        if (left <= 0) {
          clearInterval(interval);
          countdown.textContent = "0:00 — submitting…";
          // Submit just after the deadline so the server records a time-out.
          setTimeout(() => document.getElementById("timeout-form").submit(), 300);
        }
      };
      const interval = setInterval(tick, 1000);
      tick();
    }

    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const tag = (event.target.tagName || "").toLowerCase();
      const typing = tag === "input" && event.target.type === "text";
      const inField = tag === "input" || tag === "select" || tag === "textarea";
      const go = (value) => {
        const button = root.querySelector(`button[name="go"][value="${value}"]`);
        if (button && !button.disabled) button.click();
      };
      if (!typing && /^[1-9]$/.test(event.key)) {
        const domc = document.getElementById("domc-form");
        if (domc) {
          const says = event.key === "1" ? "yes" : event.key === "2" ? "no" : null;
          if (says) domc.querySelector(`button[value="${says}"]`).click();
          return;
        }
        const inputs = form ? form.querySelectorAll('input[name="answer"]') : [];
        const input = inputs[Number(event.key) - 1];
        if (input && !input.disabled) {
          input.click();
        }
      } else if (event.key === "Enter" && tag !== "button" && tag !== "select") {
        event.preventDefault();
        go(root.querySelector('button[name="go"][value="check"]') ? "check" : "next");
      } else if (!inField && event.key === "ArrowRight") {
        go("next");
      } else if (!inField && event.key === "ArrowLeft") {
        go("previous");
      }
    });
  }

  function setUpStudy(root) {
    const el = (id) => document.getElementById(id);
    const sheet = el("shortcut-sheet");
    let shownAt = performance.now();
    let busy = false;
    let pendingRating = null;

    function isRevealed() {
      return !el("answer").hidden;
    }

    function reveal() {
      el("answer").hidden = false;
      el("show-answer").hidden = true;
      el("rate-form").hidden = false;
      el("rate-form").querySelector(".rating-3")?.focus();
    }

    function say(message) {
      el("study-status").textContent = message;
    }

    function setCounts(counts) {
      for (const key of ["new", "learning", "review"]) {
        const node = root.querySelector(`[data-count="${key}"]`);
        if (node) node.textContent = counts[key];
      }
      const done = root.querySelector('[data-count="done"]');
      const bar = root.querySelector(".day-progress");
      if (done && bar) {
        const doneCount = Number(done.textContent);
        const left = counts.new + counts.learning + counts.review;
        bar.max = doneCount + left;
        bar.value = doneCount;
        bar.textContent = `${doneCount} of ${doneCount + left}`;
      }
    }

    function bumpDone(delta) {
      const done = root.querySelector('[data-count="done"]');
      if (done) done.textContent = Math.max(0, Number(done.textContent) + delta);
    }

    function showCard(card) {
      const article = el("card");
      article.dataset.cardId = card.id;
      article.dataset.reviewId = card.review_id;
      el("card-topic").textContent = card.topic_title;
      const badge = el("card-new");
      if (badge) badge.hidden = !card.is_new;
      el("card-front").innerHTML = card.front_html; // sanitized on the server
      el("card-back").innerHTML = card.back_html;
      for (const [rating, text] of Object.entries(card.intervals)) {
        const node = root.querySelector(`[data-interval="${rating}"]`);
        if (node) node.textContent = text;
      }
      const form = el("rate-form");
      form.querySelector('input[name="card"]').value = card.id;
      form.querySelector('input[name="review_id"]').value = card.review_id;
      const note = el("open-note");
      if (note && card.note_url) note.href = card.note_url;
      el("answer").hidden = true;
      form.hidden = true;
      el("show-answer").hidden = false;
      el("show-answer").focus();
      shownAt = performance.now();
      root.dispatchEvent(new CustomEvent("card-shown", { detail: card.id }));
    }

    async function api(url, options) {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        ...options,
      });
      if (response.status === 401) {
        throw Object.assign(new Error("expired"), { expired: true });
      }
      return response;
    }

    async function loadNext(cardId) {
      const url = new URL(root.dataset.nextUrl, window.location.href);
      if (cardId) url.searchParams.set("card", cardId);
      const response = await api(url.toString(), { method: "GET" });
      if (response.status === 204) {
        window.location.assign(root.dataset.doneUrl);
        return;
      }
      const body = await response.json();
      setCounts(body.counts);
      showCard(body.card);
    }

    async function rate(rating) {
      if (busy || !isRevealed()) return;
      busy = true;
      const article = el("card");
      const payload = {
        card_id: article.dataset.cardId,
        rating: rating,
        review_id: article.dataset.reviewId,
        duration_ms: Math.round(performance.now() - shownAt),
      };
      pendingRating = payload;
      say("Saving…");
      try {
        await submitRating(payload);
      } catch (error) {
        handleFailure(error);
      } finally {
        busy = false;
      }
    }

    async function freshToken() {
      const response = await fetch("/csrf-token", { credentials: "same-origin" });
      const body = await response.json();
      document.querySelector('meta[name="csrf-token"]').setAttribute("content", body.token);
    }

    async function submitRating(payload, retried) {
      // The reply brings the next card along: one round trip per card.
      const response = await api(root.dataset.reviewUrl, {
        method: "POST",
        body: JSON.stringify({ ...payload, next: true }),
      });
      const body = await response.json();
      if (response.status === 400 && body.error && body.error.code === "csrf" && !retried) {
        await freshToken(); // the session changed (logged in again in another tab)
        return submitRating(payload, true);
      }
      if (!response.ok) {
        say(body.error ? body.error.message : "That rating was not saved.");
        if (response.status === 409 || response.status === 404) {
          pendingRating = null;
          await loadNext();
        }
        return;
      }
      pendingRating = null;
      if (!body.duplicate) bumpDone(1);
      say("");
      if (body.next_card === null) {
        window.location.assign(root.dataset.doneUrl);
        return;
      }
      setCounts(body.counts);
      showCard(body.next_card);
    }

    function handleFailure(error) {
      if (error.expired) {
        say("Your session expired. Your rating is kept: log in again in the new tab, then press the same key to save it.");
        window.open(root.dataset.loginUrl, "_blank", "noopener");
      } else {
        say("No connection. Your rating is kept; press the same key again to retry.");
      }
    }

    async function undo() {
      if (busy) return;
      busy = true;
      try {
        const response = await api(root.dataset.undoUrl, { method: "POST", body: "{}" });
        const body = await response.json();
        if (body.undone) {
          bumpDone(-1);
          say("Last rating undone.");
          await loadNext(body.card_id);
        } else {
          say("There is nothing to undo.");
        }
      } catch (error) {
        handleFailure(error);
      } finally {
        busy = false;
      }
    }

    el("show-answer").addEventListener("click", (event) => {
      event.preventDefault();
      reveal();
    });
    el("rate-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const rating = Number(event.submitter?.value || 3);
      rate(rating);
    });
    el("undo-form").addEventListener("submit", (event) => {
      event.preventDefault();
      undo();
    });
    root.querySelector("[data-shortcuts]")?.addEventListener("click", () => sheet.showModal());

    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select") return;
      if (sheet.open) return;
      const key = event.key;
      if ((key === " " || key === "Enter") && !isRevealed()) {
        event.preventDefault();
        reveal();
      } else if (["1", "2", "3", "4"].includes(key) && isRevealed()) {
        event.preventDefault();
        if (pendingRating) {
          busy = false;
          submitRating(pendingRating).catch(handleFailure);
        } else {
          rate(Number(key));
        }
      } else if (key === "z" || key === "Z") {
        event.preventDefault();
        undo();
      } else if (key === "e" || key === "E") {
        const note = el("open-note");
        if (note) window.location.assign(note.href);
      } else if (key === "?") {
        sheet.showModal();
      }
    });
  }
})();
