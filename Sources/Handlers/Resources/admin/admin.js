// Crema admin: the only script. Asks before destructive forms and selects secrets for copying.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  const submitter = event.submitter;
  const message = (submitter && submitter.dataset.confirm) || (form && form.dataset.confirm);
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input.copy")) event.target.select();
});
