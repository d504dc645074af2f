#!/usr/bin/env node
// The demo of `npm run kata 32 -- --serve`: a GET shows a form, a POST echoes its fields.
// A CGI script reads REQUEST_METHOD, CONTENT_LENGTH and CONTENT_TYPE from its environment
// and the form from its standard input, and writes a CGI response to its standard output.
const { REQUEST_METHOD, CONTENT_TYPE = '', SCRIPT_NAME, SERVER_SOFTWARE } = process.env;

const escapeHtml = (text) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function page(title, content) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${content}
<p><small>Run by ${escapeHtml(SERVER_SOFTWARE ?? 'a CGI server')}, one process for this request (pid ${process.pid}).</small></p>
</body>
</html>
`;
}

function respond(status, html) {
  process.stdout.write(`Status: ${status}\nContent-Type: text/html; charset=utf-8\n\n${html}`);
}

const FORM = `<form method="post" action="${escapeHtml(SCRIPT_NAME ?? '')}">
<p><label>Name <input name="name" value="Ada"></label></p>
<p><label>Message <textarea name="message">Hello from a form</textarea></label></p>
<p><button>Send</button></p>
</form>`;

if (REQUEST_METHOD === 'GET' || REQUEST_METHOD === 'HEAD') {
  respond('200 OK', page('A form, answered by a CGI script', FORM));
} else if (REQUEST_METHOD !== 'POST') {
  respond('405 Method Not Allowed', page('Only GET and POST', FORM));
} else if (!CONTENT_TYPE.startsWith('application/x-www-form-urlencoded')) {
  // RFC 3875 §8.2: check that CONTENT_TYPE is a form's, else 415
  respond(
    '415 Unsupported Media Type',
    page('Send the form as application/x-www-form-urlencoded', FORM),
  );
} else {
  const pieces = [];
  process.stdin.on('data', (piece) => pieces.push(piece));
  process.stdin.on('end', () => {
    const fields = new URLSearchParams(Buffer.concat(pieces).toString('utf8'));
    const rows = [...fields].map(
      ([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`,
    );
    respond(
      '200 OK',
      page(
        'You sent',
        `<dl>\n${rows.join('\n')}\n</dl>\n<p><a href="${escapeHtml(SCRIPT_NAME ?? '')}">Again</a></p>`,
      ),
    );
  });
}
