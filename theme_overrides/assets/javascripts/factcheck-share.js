// The "copy link" button of a claim's share area (generator/templates/fc/partials/share.html).
// Without JavaScript the button stays hidden and the address is a selectable field.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = button.dataset.done;
    }, () => field.select());
  });
});
