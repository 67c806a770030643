/** The task view, with download URLs presigned afresh on every read (never stored). */
import type { FileStore } from '../ports';
import type { CoreConfig } from '../config';
import { toView, type ImportResult, type TaskRecord, type TaskView } from '../task';

export async function presentTask(task: TaskRecord, files: FileStore, config: CoreConfig): Promise<TaskView> {
  let url: string | null = null;
  let errorReportUrl: string | null = null;
  if (task.phase === 'succeeded' && task.kind === 'export' && task.objectKey) {
    url = await files.presignDownload(task.objectKey, task.fileName, task.format);
  }
  const report = task.kind === 'import' ? (task.result as ImportResult | null) : null;
  if (report?.errorReportKey) {
    const format = report.errorReportFormat ?? 'csv';
    const base = task.fileName.replace(/\.[^.]+$/, '');
    errorReportUrl = await files.presignDownload(report.errorReportKey, `${base}-errors.${format}`, format);
  }
  return toView(task, { url, errorReportUrl }, config.taskTtlSeconds);
}
