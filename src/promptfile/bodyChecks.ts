import type { DiagnosticList } from './promptDiagnostic';
import { closestName, SECTIONS, TEMPLATE_VARIABLES } from './promptSchema';
import { frontMatterData, type PromptSource } from './promptSource';

/** Checks the Markdown body: the `## system` and `## user` sections and the `{{variables}}` in them. */
export function checkBody(source: PromptSource, problems: DiagnosticList): void {
  checkSections(source, problems);
  checkVariables(source, problems);
}

function checkSections(source: PromptSource, problems: DiagnosticList): void {
  const seen = new Set<string>();
  for (const section of source.sections) {
    const { name, headingStart, headingEnd } = section;
    if (!Object.hasOwn(SECTIONS, name)) {
      problems.add('unknown-section', 'warning', headingStart, headingEnd, `"## ${name}" is not sent to the model: only "## system" and "## user" are. Use "###" for a heading inside a section.`);
      continue;
    }
    if (seen.has(name)) problems.add('duplicate-section', 'warning', headingStart, headingEnd, `A second "## ${name}" section: only this last one is used.`);
    seen.add(name);
    if (!section.text) problems.add('empty-section', 'error', headingStart, headingEnd, `The "## ${name}" section is empty.`);
  }
  // A missing section is reported where it would go: on the line that closes the front matter.
  const frontMatter = source.frontMatter;
  const line = frontMatter?.closeLine ?? frontMatter?.openLine ?? 0;
  for (const [name, purpose] of Object.entries(SECTIONS)) {
    if (!seen.has(name)) problems.addOnLine('missing-section', 'error', line, `Missing the "## ${name}" section (${purpose.charAt(0).toLowerCase()}${purpose.slice(1, -1)}).`);
  }
}

function checkVariables(source: PromptSource, problems: DiagnosticList): void {
  const known = Object.keys(TEMPLATE_VARIABLES);
  const data = frontMatterData(source.frontMatter);
  for (const use of source.variables) {
    if (!known.includes(use.name)) {
      const guess = closestName(use.name, known);
      const hint = guess ? `did you mean {{${guess}}}?` : `known: ${known.map((k) => `{{${k}}}`).join(', ')}.`;
      problems.add('unknown-variable', 'error', use.start, use.end, `Unknown variable {{${use.name}}}: ${hint}`, guess ? { replacement: `{{${guess}}}` } : {});
      continue;
    }
    if (source.frontMatter && isEmpty(data[use.name])) {
      const what = use.name === 'domain' ? '"domain"' : `"${use.name}" categories`;
      problems.add('empty-variable', 'warning', use.start, use.end, `{{${use.name}}} is empty: the front matter has no ${what}.`, { path: [use.name] });
    }
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) ? value.length === 0 : String(value).trim() === '');
}
