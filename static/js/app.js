// Site-wide behaviour without inline scripts (the Content-Security-Policy allows only our own files).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
