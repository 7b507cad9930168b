// narrate's show pages: the chapter and transcript lists follow the player, and a click on a
// chapter or a cue seeks it there. The feed address gets a copy button. No dependencies.
(() => {
  "use strict";

  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copy(button));
  }

  async function copy(button) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied.";
    } catch {
      // no clipboard API (a page opened from disk): select the text for the user instead
      field.focus();
      field.select();
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    }
  }

  const player = document.getElementById("player");
  if (!player) return;
  const chapters = [...document.querySelectorAll(".chapter")];
  const cues = [...document.querySelectorAll(".cue")];
  const transcript = document.querySelector(".transcript");
  const startOf = (item) => Number(item.dataset.start);
  const shown = new Map([[chapters, -1], [cues, -1]]);

  for (const item of [...chapters, ...cues]) {
    item.addEventListener("click", () => {
      player.currentTime = startOf(item);
      follow();
      if (player.paused) player.play().catch(() => {});
    });
  }
  for (const event of ["timeupdate", "seeking", "seeked", "play", "loadedmetadata"]) {
    player.addEventListener(event, follow);
  }

  // The item playing now: the last one that has started.
  function playing(items, time) {
    let found = -1;
    items.forEach((item, index) => {
      if (startOf(item) <= time + 0.001) found = index;
    });
    return found;
  }

  function follow() {
    const time = player.currentTime;
    for (const items of [chapters, cues]) {
      const before = shown.get(items);
      const now = playing(items, time);
      if (now === before) continue;
      if (before >= 0) items[before].removeAttribute("aria-current");
      if (now >= 0) items[now].setAttribute("aria-current", "true");
      shown.set(items, now);
      if (items === cues && now >= 0) reveal(cues[now]);
    }
  }

  // Scroll the transcript box (not the page) so the cue being spoken is in view.
  function reveal(cue) {
    const top = cue.offsetTop;
    const bottom = top + cue.offsetHeight;
    if (top < transcript.scrollTop || bottom > transcript.scrollTop + transcript.clientHeight) {
      transcript.scrollTop = Math.max(0, top - transcript.clientHeight / 3);
    }
  }
})();
