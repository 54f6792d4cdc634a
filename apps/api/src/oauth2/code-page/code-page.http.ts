import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/auth/decorators';

/** Shows the code from the URL fragment; the fragment never leaves the browser. */
const PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Kontena Master: authorization code</title></head>
<body>
<h3>Authorization code</h3>
<p>Copy this code and give it to the command line client (<code>kontena master login --code &lt;code&gt;</code>):</p>
<pre id="code"></pre>
<script>
  var params = new URLSearchParams(window.location.hash.slice(1));
  document.getElementById('code').textContent = params.get('code') || 'No code was given.';
</script>
</body></html>
`;

/**
 * GET /code: the sign-in's landing page when the client cannot run a local web server (kontena-behaviour.md §1,
 * `app/views/static/code.html`).
 */
@ApiExcludeController()
@Controller('code')
export class CodePageHttp {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return PAGE;
  }
}
