/**
 * Icons drawn for this extension.
 */
import { LabIcon } from '@jupyterlab/ui-components';

// A stack of three versions with a branch mark; `jp-icon3` follows the theme's icon colour.
const VERSIONS_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 4h12v2H4zM4 9h12v2H4zM4 14h8v2H4z"/>
    <circle cx="18" cy="17" r="3"/>
    <path d="M17 6h2v8h-2z"/>
    <circle cx="18" cy="5" r="2"/>
  </g>
</svg>`;

export const versionsIcon = new LabIcon({
  name: 'jupyter-mlversion:versions',
  svgstr: VERSIONS_SVG
});
