// A Print button (data-print) prints the page; the print style sheet leaves out the header,
// the buttons and the forms.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
