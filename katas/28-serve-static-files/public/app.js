// Runs only if the server labelled this file text/javascript: with nosniff, a browser
// refuses a script served as text/plain or application/octet-stream.
document.getElementById('script-status').textContent =
  'The script ran: app.js arrived as text/javascript.';
