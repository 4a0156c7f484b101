// The Switchyard sidebar: the current run's stages (state icon, model · vendor, tokens · cost ·
// time on hover), each stage's artifacts beneath it, and past runs grouped by day.
import * as vscode from 'vscode';
import { ROLE_LABELS } from '../../core/config/stages';
import { Commands } from '../commandIds';
import type { PanelStage, RunView, StageView } from '../../protocol/panelProtocol';
import type { ActiveRun, RunRegistry, RunSummary } from '../runs/runRegistry';

export type PipelineNode =
  | { type: 'run'; runId: string }
  | { type: 'stage'; runId: string; stage: PanelStage }
  | {
      type: 'artifact';
      runId: string;
      stage: PanelStage;
      kind: 'plan' | 'diff' | 'review' | 'findings' | 'answer' | 'saw' | 'tools';
    }
  | { type: 'history' }
  | { type: 'day'; day: string }
  | { type: 'past'; summary: RunSummary };

const STATE_ICON: Record<StageView['state'], [string, string?]> = {
  waiting: ['circle-outline'],
  running: ['sync~spin', 'progressBar.background'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  skipped: ['circle-slash'],
  cancelled: ['stop'],
};

function icon(state: StageView['state']): vscode.ThemeIcon {
  const [id, color] = STATE_ICON[state];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function usd(n: number): string {
  return n < 0.01 && n > 0 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

export class PipelineTree implements vscode.TreeDataProvider<PipelineNode> {
  constructor(
    private readonly runs: RunRegistry,
    private readonly fire: () => void,
  ) {
    runs.onDidChange(() => this.fire());
  }

  getChildren(node?: PipelineNode): PipelineNode[] {
    const run = this.runs.current;
    if (!node) {
      const top: PipelineNode[] = [];
      if (run) top.push({ type: 'run', runId: run.runId });
      if (this.past().length) top.push({ type: 'history' });
      return top;
    }
    if (node.type === 'run' && run?.runId === node.runId) {
      return run.model.view.stages.map((s) => ({ type: 'stage', runId: node.runId, stage: s.stage }));
    }
    if (node.type === 'stage' && run?.runId === node.runId) {
      const kids: PipelineNode[] = [];
      const a = run.model.artifacts;
      const s = run.model.view.stages.find((x) => x.stage === node.stage);
      if (s?.saw.length) kids.push({ ...node, type: 'artifact', kind: 'saw' });
      if (s?.tools.length) kids.push({ ...node, type: 'artifact', kind: 'tools' });
      if (node.stage === 'scout' && a.findings) kids.push({ ...node, type: 'artifact', kind: 'findings' });
      if (node.stage === 'architect' && a.plan) kids.push({ ...node, type: 'artifact', kind: 'plan' });
      if (node.stage === 'implementer' && a.diff) kids.push({ ...node, type: 'artifact', kind: 'diff' });
      if (node.stage === 'implementer' && a.answer) kids.push({ ...node, type: 'artifact', kind: 'answer' });
      if (run.model.view.reviews.some((r) => r.stage === node.stage))
        kids.push({ ...node, type: 'artifact', kind: 'review' });
      return kids;
    }
    if (node.type === 'history') {
      const days = [...new Set(this.past().map((p) => new Date(p.startedAt).toISOString().slice(0, 10)))];
      return days.map((day) => ({ type: 'day', day }));
    }
    if (node.type === 'day') {
      return this.past()
        .filter((p) => new Date(p.startedAt).toISOString().slice(0, 10) === node.day)
        .map((summary) => ({ type: 'past', summary }));
    }
    return [];
  }

  private past(): RunSummary[] {
    return this.runs.history.filter((h) => h.runId !== this.runs.current?.runId);
  }

  getTreeItem(node: PipelineNode): vscode.TreeItem {
    const run = this.runs.current;
    switch (node.type) {
      case 'run':
        return runItem(node.runId, run!.model.view);
      case 'stage':
        return stageItem(
          node.runId,
          run!.model.view.stages.find((x) => x.stage === node.stage)!,
          this.getChildren(node).length > 0,
        );
      case 'artifact':
        return artifactItem(node, run);
      case 'history': {
        const item = new vscode.TreeItem('Past runs', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'history';
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'day': {
        const item = new vscode.TreeItem(node.day, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `day:${node.day}`;
        return item;
      }
      case 'past':
        return pastItem(node.summary);
    }
  }
}

const openPanel = { command: Commands.openPanel, title: 'Open the routing panel' };

function runItem(runId: string, v: RunView): vscode.TreeItem {
  const item = new vscode.TreeItem(v.task.split('\n')[0]!.slice(0, 80), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `run:${runId}`;
  item.description = `${v.state} · ${usd(v.actualCostUsd)}`;
  item.tooltip = new vscode.MarkdownString().appendText(
    `${v.task}\n\n${v.kind ?? ''} · risk ${v.risk ?? '?'} · ${v.state}`,
  );
  item.contextValue = v.state === 'running' || v.state === 'awaiting-approval' ? 'run-live' : 'run-finished';
  item.iconPath = new vscode.ThemeIcon('git-compare');
  item.command = openPanel;
  return item;
}

function stageItem(runId: string, s: StageView, hasKids: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    ROLE_LABELS[s.stage],
    hasKids ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `stage:${runId}:${s.stage}`;
  item.description = s.modelId ? `${s.modelId} · ${s.vendor ?? '?'}` : s.state;
  const time = s.elapsedMs !== undefined ? `${(s.elapsedMs / 1000).toFixed(1)} s` : '—';
  item.tooltip = new vscode.MarkdownString().appendText(
    `${ROLE_LABELS[s.stage]}: ${s.state}\n${s.inputTokens + s.outputTokens} tokens · ${usd(s.costUsd)} · ${time}` +
      (s.why ? `\n\n${s.why}` : '') +
      (s.error ? `\n\n${s.error}` : ''),
  );
  item.iconPath = icon(s.state);
  item.contextValue = `stage-${s.state}`;
  item.accessibilityInformation = { label: `${ROLE_LABELS[s.stage]}, ${s.state}, ${s.modelId ?? 'no model'}` };
  return item;
}

const ARTIFACT_LABELS = {
  plan: 'Plan',
  diff: 'Diff',
  review: 'Review',
  findings: 'Findings',
  answer: 'Answer',
  saw: 'What this role saw',
  tools: 'Tool calls',
} as const;

function artifactItem(node: Extract<PipelineNode, { type: 'artifact' }>, run: ActiveRun | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(ARTIFACT_LABELS[node.kind], vscode.TreeItemCollapsibleState.None);
  item.id = `artifact:${node.runId}:${node.stage}:${node.kind}`;
  item.command = openPanel;
  if (node.kind === 'tools') {
    const calls = run?.model.view.stages.find((x) => x.stage === node.stage)?.tools ?? [];
    const read = new Set(calls.filter((c) => c.tool === 'read_file').flatMap((c) => c.paths));
    item.description = `${calls.length} call(s)${read.size ? ` · ${read.size} file(s) read` : ''}`;
    item.tooltip = new vscode.MarkdownString().appendText(
      calls.map((c) => `${c.tool} ${c.args}${c.summary ? ` → ${c.summary}` : ''}`).join('\n'),
    );
    item.iconPath = new vscode.ThemeIcon('search');
  } else if (node.kind === 'diff') {
    const d = run?.model.artifacts.diff;
    item.description = d ? `${d.files.length} file(s) +${d.addedLines} −${d.removedLines}` : '';
    item.iconPath = new vscode.ThemeIcon('diff');
    item.command = { command: Commands.openDiff, title: 'Open diff' };
  } else if (node.kind === 'review') {
    // Each reviewing stage shows its own review: a final owner's approval never hides the critic's findings.
    const r = run?.model.view.reviews.find((x) => x.stage === node.stage);
    item.description = r ? `${r.verdict} · ${plural(r.findings.length, 'finding')}` : '';
    item.iconPath = new vscode.ThemeIcon('comment-discussion');
  } else {
    item.iconPath = new vscode.ThemeIcon(node.kind === 'saw' ? 'eye' : 'note');
  }
  return item;
}

function pastItem(p: RunSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(p.task.split('\n')[0]!.slice(0, 80), vscode.TreeItemCollapsibleState.None);
  item.id = `past:${p.runId}`;
  item.description = `${p.state} · ${usd(p.costUsd)}`;
  item.tooltip = new vscode.MarkdownString().appendText(`${p.task}\n\nmodels: ${p.models.join(', ') || 'none'}`);
  item.iconPath = new vscode.ThemeIcon(
    p.state === 'applied' ? 'check' : p.state === 'failed' ? 'error' : 'circle-small',
  );
  return item;
}
