// Documents in the docs are the source of truth for what stacks grant (docs/aws.md's IAM policy;
// an Azure role definition the same way): stacks read the JSON block under a heading.

/** The first ```json block after `heading` (and before the next heading of the same or a higher level). */
export function jsonBlockAfter(markdown: string, heading: string, source: string): unknown {
    const lines = markdown.split("\n");
    const start = lines.findIndex((l) => l.trim() === heading);
    if (start < 0) throw new Error(`${source}: no heading "${heading}"; the document is read from there`);
    const level = heading.indexOf(" ");
    let open = -1;
    for (let i = start + 1; i < lines.length; i++) {
        const l = lines[i].trim();
        if (open < 0 && /^#+ /.test(l) && l.indexOf(" ") <= level) break;
        if (open < 0 && l === "```json") open = i;
        else if (open >= 0 && l === "```") {
            const text = lines.slice(open + 1, i).join("\n");
            try {
                return JSON.parse(text);
            } catch (e) {
                throw new Error(`${source}: the JSON block under "${heading}" does not parse: ${(e as Error).message}`);
            }
        }
    }
    throw new Error(`${source}: no \`\`\`json block under "${heading}"`);
}
