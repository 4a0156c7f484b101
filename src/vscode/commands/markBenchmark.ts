// "Switchyard: Mark a run as benchmark": picks a past run from the ledger (or takes its id as an
// argument) and adds it to .switchyard/benchmarks.json with its task, the hashes of the files it
// was about and its accepted diff. The file is in the workspace so the team can share it.
import * as vscode from 'vscode';
import { addBenchmarkItem, itemFromRecord, loadBenchmarkSet, saveBenchmarkSet } from '../../core/bench/benchmarkStore';
import { readRecords } from '../../core/ledger/ledgerFile';
import type { RunRecord } from '../../core/ledger/runRecordSchema';
import type { Services } from '../services';
import { ledgerFile } from '../scorecard/ledgerLocation';
import { taskHeadline } from '../../core/ledger/taskHeadline';

const MAX_PICKS = 200;

export async function markBenchmark(svc: Services, args: unknown[]): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(
      'Switchyard: open a local folder first; the benchmark set is stored in the workspace (.switchyard/benchmarks.json).',
    );
    return undefined;
  }
  const file = await ledgerFile(svc.shell.context);
  let records: RunRecord[];
  try {
    records = (await readRecords(file)).records.filter((r) => r.outcome !== 'answered');
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchyard: ${(err as Error).message}. Check switchyard.ledgerPath.`);
    return undefined;
  }
  if (records.length === 0) {
    void vscode.window.showInformationMessage(
      `Switchyard: no runs with a change in the ledger yet (${file}). Route a task first, then mark it.`,
    );
    return undefined;
  }
  let record: RunRecord | undefined;
  const wanted = typeof args[0] === 'string' ? args[0] : (args[0] as { runId?: unknown } | undefined)?.runId;
  if (typeof wanted === 'string') {
    record = records.find((r) => r.runId === wanted);
    if (!record) {
      void vscode.window.showErrorMessage(`Switchyard: run ${wanted} is not in the ledger ${file}.`);
      return undefined;
    }
  } else {
    const pick = await vscode.window.showQuickPick(
      records
        .slice(-MAX_PICKS)
        .reverse()
        .map((r) => ({
          label: r.task.split('\n')[0]!.slice(0, 120),
          description: `${r.outcome} · ${r.kind} · ${r.finalVerdict}`,
          detail: `${new Date(r.startedAt).toLocaleString()} · ${r.filesChanged.join(', ') || 'no files'} · $${r.totals.costUsd.toFixed(4)}`,
          record: r,
        })),
      {
        title: 'Mark a run as a benchmark item',
        placeHolder: 'Pick a good, representative task',
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
    record = pick?.record;
  }
  if (!record) return undefined;
  const root = folder.uri.fsPath;
  try {
    const item = await itemFromRecord(record, root);
    const saved = await saveBenchmarkSet(root, addBenchmarkItem(await loadBenchmarkSet(root), item));
    // Not awaited: the command is done once the file is written, whether or not the person clicks.
    void vscode.window
      .showInformationMessage(
        `Switchyard: marked "${taskHeadline(item.task)}" as a benchmark item (${item.contextFiles.length} context file(s)${item.acceptedDiff ? ', accepted diff kept' : ', no accepted diff'}).`,
        'Open benchmarks.json',
      )
      .then((choice) => (choice ? vscode.window.showTextDocument(vscode.Uri.file(saved)) : undefined));
    return item.id;
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchyard: could not mark the run: ${(err as Error).message}`);
    return undefined;
  }
}
