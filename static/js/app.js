// Site-wide behaviour without inline scripts (the Content-Security-Policy allows only our own files).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Progress bars take their width from data-rate, so no inline style is needed.
document.querySelectorAll(".w-rate[data-rate]").forEach((bar) => {
  bar.style.width = `${Math.min(100, Number(bar.dataset.rate) || 0)}%`;
});
