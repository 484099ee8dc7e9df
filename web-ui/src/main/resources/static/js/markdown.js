// Markdown answers: parsed by marked, sanitised by DOMPurify before they touch the page.
import {marked} from '../vendor/marked.esm.js';
import DOMPurify from '../vendor/purify.es.js';

marked.setOptions({gfm: true, breaks: false});

DOMPurify.addHook('afterSanitizeAttributes', node => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** A <div class="markdown"> with the rendered, sanitised text. */
export function markdown(text) {
  const div = document.createElement('div');
  div.className = 'markdown';
  div.innerHTML = DOMPurify.sanitize(marked.parse(text || ''), {USE_PROFILES: {html: true}});
  return div;
}
