// demo-out/index.html: one self-contained page (inline SVG figures, inline CSS, no script, no
// external resource) with a table of the figures and a section per computation.

export interface PageFigure {
  /** The file stem of the figure (its .svg and .png sit next to the page). */
  name: string;
  caption: string;
  svg: string;
}

export interface PageSection {
  id: string;
  title: string;
  /** Paragraphs of plain text (escaped). */
  text: string[];
  /** [label, value] rows of the section's numbers. */
  rows: [string, string][];
  figures: PageFigure[];
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The SVG as inline markup: the XML prolog, if any, is dropped (not allowed inside HTML). */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

export function demoPage(title: string, intro: string[], summary: [string, string][], sections: PageSection[]): string {
  const figureList = sections.flatMap((s) => s.figures.map((f) => `<li><a href="#fig-${escape(f.name)}">${escape(f.caption)}</a> (<a href="${escape(f.name)}.svg">SVG</a>, <a href="${escape(f.name)}.png">PNG</a>)</li>`));
  const table = (rows: [string, string][]) => `<table>${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`;
  const body = sections
    .map(
      (s) => `<section id="${escape(s.id)}">
<h2>${escape(s.title)}</h2>
${s.text.map((p) => `<p>${escape(p)}</p>`).join('\n')}
${table(s.rows)}
${s.figures.map((f) => `<figure id="fig-${escape(f.name)}" data-plot="${escape(f.name)}">${inlineSvg(f.svg)}<figcaption>${escape(f.caption)}</figcaption></figure>`).join('\n')}
</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { text-align: left; padding: 0.2em 0.8em 0.2em 0; vertical-align: top; }
th { font-weight: 600; color: #444; }
figure { margin: 1.2em 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${intro.map((p) => `<p>${escape(p)}</p>`).join('\n')}
${table(summary)}
<h2>Figures</h2>
<ol>${figureList.join('')}</ol>
${body}
</body>
</html>
`;
}
