/**
 * Makes everything in the document but `keep` (and its ancestors) inert, as a modal needs: no
 * focus, no clicks, hidden from assistive technology. Returns the undo. The platform's `inert`
 * does the work, so this is a walk up the tree, not a focus-trap library.
 */
export function inertOthers(keep: Element): () => void {
  const changed: Element[] = [];
  for (let node: Element | null = keep; node && node !== document.body; node = node.parentElement) {
    for (const sibling of node.parentElement?.children ?? []) {
      if (sibling === node || sibling.hasAttribute('inert') || sibling.tagName === 'SCRIPT') continue;
      // An open modal <dialog> lives in the top layer; leave it usable.
      if (sibling instanceof HTMLDialogElement && sibling.open) continue;
      sibling.setAttribute('inert', '');
      changed.push(sibling);
    }
  }
  return () => {
    for (const el of changed) el.removeAttribute('inert');
  };
}
