// Attendance page: one button ticks (or unticks) every box of a list shown on the page.
document.querySelectorAll("[data-tick-all]").forEach((button) => {
  button.addEventListener("click", () => {
    const boxes = document.querySelectorAll(`#${button.dataset.tickAll} input[type=checkbox]`);
    const tick = Array.from(boxes).some((box) => !box.checked);
    boxes.forEach((box) => {
      box.checked = tick;
    });
  });
});
