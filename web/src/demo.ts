/**
 * The demo page: an export panel and an import panel built on the typed client, plus the recent tasks.
 * Each panel follows the seed's flow: on load ask for the current task of the selected type and resume
 * waiting for it; the start button stays disabled while a task of that type is active; poll with backoff;
 * offer the download when done; cancel and clear.
 */
import { ApiError, createClient, isAbortError, isActive, type Catalog, type CatalogExport, type JsonSchema, type TaskKind, type TaskView } from './client';

const USER_KEY = 'async-file-tasks.user';
const DEFAULT_USER = 'demo-user';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

let user = localStorage.getItem(USER_KEY) || DEFAULT_USER;
const api = createClient({ baseUrl: '', headers: () => ({ 'X-Dev-User': user }) });

const PHASE_LABEL: Record<TaskView['phase'], string> = {
  awaiting_upload: 'Waiting for the upload',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const number = (n: number) => n.toLocaleString('en-US');
const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

/** Shows an error readably: the API's message, and each field error as a list item. */
function showError(box: HTMLElement, error: unknown, fieldOwner?: HTMLElement) {
  box.replaceChildren();
  box.classList.remove('notice');
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  box.append(document.createTextNode(message));
  if (error instanceof ApiError) {
    box.dataset.code = error.code;
    const fields = error.fieldErrors;
    if (fields.length) {
      const list = document.createElement('ul');
      for (const f of fields) {
        const item = document.createElement('li');
        item.textContent = `${f.field}: ${f.message}`;
        list.append(item);
        // params.rows → the rows input; params.status.0 → the status select.
        const param = /^params\.([^.]+)/.exec(f.field)?.[1];
        const input = param && fieldOwner?.querySelector<HTMLElement>(`[data-param="${CSS.escape(param)}"]`);
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          const note = document.createElement('p');
          note.className = 'field-error';
          note.textContent = f.message;
          input.closest('.row')?.after(note);
        }
      }
      box.append(list);
    }
  } else delete box.dataset.code;
  box.hidden = false;
}

function showNotice(box: HTMLElement, text: string) {
  box.replaceChildren(document.createTextNode(text));
  box.classList.add('notice');
  delete box.dataset.code;
  box.hidden = false;
}

function clearError(box: HTMLElement, fieldOwner?: HTMLElement) {
  box.hidden = true;
  box.replaceChildren();
  box.classList.remove('notice');
  delete box.dataset.code;
  fieldOwner?.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  fieldOwner?.querySelectorAll('.field-error').forEach((el) => el.remove());
}

function setProgress(bar: HTMLProgressElement, label: HTMLElement, percent: number | null, text: string) {
  if (percent === null) bar.removeAttribute('value');
  else bar.value = percent;
  label.textContent = text;
  label.dataset.percent = percent === null ? '' : String(percent);
}

// ---------------------------------------------------------------------------------------------------------
// Parameter form from the catalog's JSON schema.

interface ParamField {
  name: string;
  read(): unknown; // undefined: leave it to the server's default
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

function buildParamFields(container: HTMLElement, schema: JsonSchema): ParamField[] {
  container.querySelectorAll('.row, .field-error, .hint').forEach((el) => el.remove());
  const fields: ParamField[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const id = `param-${name}`;
    const row = document.createElement('div');
    row.className = 'row';
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = prop.title ?? name;
    const type = typeOf(prop);
    let control: HTMLInputElement | HTMLSelectElement;
    let read: () => unknown;
    if (type === 'array' && prop.items?.enum) {
      const select = document.createElement('select');
      select.multiple = true;
      for (const value of prop.items.enum) select.add(new Option(String(value), String(value)));
      const defaults = Array.isArray(prop.default) ? prop.default.map(String) : [];
      for (const option of Array.from(select.options)) option.selected = defaults.includes(option.value);
      label.append(' ', Object.assign(document.createElement('span'), { className: 'optional', textContent: '(none selected = all)' }));
      control = select;
      read = () => {
        const values = Array.from(select.selectedOptions).map((o) => o.value);
        return values.length ? values : undefined;
      };
    } else if (prop.enum) {
      const select = document.createElement('select');
      if (!required.has(name)) select.add(new Option('(default)', ''));
      for (const value of prop.enum) select.add(new Option(String(value), String(value)));
      if (prop.default !== undefined) select.value = String(prop.default);
      control = select;
      read = () => (select.value === '' ? undefined : select.value);
    } else if (type === 'boolean') {
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = prop.default === true;
      row.classList.add('check');
      control = input;
      read = () => input.checked;
    } else {
      const input = document.createElement('input');
      if (type === 'integer' || type === 'number') {
        input.type = 'number';
        input.inputMode = type === 'integer' ? 'numeric' : 'decimal';
        input.step = type === 'integer' ? '1' : 'any';
        if (prop.minimum !== undefined) input.min = String(prop.minimum);
        if (prop.maximum !== undefined) input.max = String(prop.maximum);
        read = () => (input.value.trim() === '' ? undefined : Number(input.value));
      } else {
        input.type = prop.format === 'date' ? 'date' : prop.format === 'date-time' ? 'datetime-local' : 'text';
        if (prop.maxLength !== undefined) input.maxLength = prop.maxLength;
        read = () => (input.value === '' ? undefined : input.value);
      }
      if (prop.default !== undefined) input.value = String(prop.default);
      if (required.has(name)) input.required = true;
      control = input;
    }
    control.id = id;
    control.name = name;
    control.dataset.param = name;
    control.dataset.testid = id;
    if (prop.description) control.title = prop.description;
    row.append(label, control);
    container.append(row);
    fields.push({ name, read });
  }
  if (!fields.length) container.append(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'This export takes no parameters.' }));
  return fields;
}

// ---------------------------------------------------------------------------------------------------------
// A panel's task: attach, wait, render, cancel, clear.

interface TaskUi {
  kind: TaskKind;
  start: HTMLButtonElement;
  error: HTMLElement;
  box: HTMLElement;
  phase: HTMLElement;
  file: HTMLElement;
  bar: HTMLProgressElement;
  percent: HTMLElement;
  message: HTMLElement;
  cancel: HTMLButtonElement;
  clear: HTMLButtonElement;
  /** Kind-specific part of the rendering (download link, counts). */
  renderResult(task: TaskView | null): void;
  /** Disables the start button for reasons other than an active task (e.g. no file chosen). */
  canStart(): boolean;
}

class TaskPanel {
  task: TaskView | null = null;
  private waiting: AbortController | null = null;

  constructor(readonly ui: TaskUi) {
    ui.cancel.addEventListener('click', () => void this.cancel());
    ui.clear.addEventListener('click', () => void this.clear());
  }

  /** Shows a task and, while it is active, polls it until it ends. */
  attach(task: TaskView) {
    this.stopWaiting();
    this.render(task);
    if (!isActive(task)) return;
    if (task.phase === 'awaiting_upload') {
      this.ui.message.textContent = 'The upload did not finish (the page was reloaded?). Clear it to start again.';
      return;
    }
    const waiting = new AbortController();
    this.waiting = waiting;
    api
      .waitForTask(task.id, { signal: waiting.signal, onProgress: (t) => this.render(t) })
      .then(() => void refreshRecent())
      .catch((error) => {
        if (isAbortError(error)) return;
        if (error instanceof ApiError && error.status === 404) return this.reset();
        showError(this.ui.error, error);
      })
      .finally(() => {
        if (this.waiting === waiting) this.waiting = null;
      });
  }

  render(task: TaskView) {
    const { ui } = this;
    this.task = task;
    ui.box.hidden = false;
    ui.box.dataset.phase = task.phase;
    ui.box.dataset.taskId = task.id;
    ui.phase.textContent = PHASE_LABEL[task.phase];
    ui.file.textContent = task.fileName;
    const { processed, total, percent } = task.progress;
    const shown = task.phase === 'succeeded' ? (percent ?? 100) : percent;
    const unit = ui.kind === 'export' ? 'rows' : 'rows read';
    setProgress(ui.bar, ui.percent, shown, shown !== null ? `${shown}%` : processed ? `${number(processed)} ${unit}` : '');
    ui.bar.setAttribute('aria-valuetext', total ? `${number(processed)} of ${number(total)}` : `${number(processed)}`);
    ui.message.textContent = task.message ?? (isActive(task) ? (total ? `${number(processed)} of ${number(total)} ${unit}` : '') : '');
    ui.cancel.hidden = !isActive(task);
    ui.cancel.disabled = false;
    ui.clear.disabled = false;
    ui.renderResult(task);
    this.updateStart();
  }

  updateStart() {
    this.ui.start.disabled = (this.task !== null && isActive(this.task)) || !this.ui.canStart();
  }

  /** Back to the initial state: no task shown, start button enabled. */
  reset() {
    this.stopWaiting();
    this.task = null;
    const { ui } = this;
    ui.box.hidden = true;
    delete ui.box.dataset.phase;
    delete ui.box.dataset.taskId;
    ui.phase.textContent = '';
    ui.file.textContent = '';
    setProgress(ui.bar, ui.percent, 0, '');
    ui.message.textContent = '';
    ui.renderResult(null);
    clearError(ui.error);
    this.updateStart();
  }

  /** Page initialisation (and type or user switch): the current task of this type, if any. */
  async load(type: string) {
    this.reset();
    if (!type) return;
    const task = await api.currentTask(this.ui.kind, type);
    if (task) this.attach(task);
  }

  async cancel() {
    if (!this.task) return;
    this.ui.cancel.disabled = true;
    try {
      this.render(await api.cancel(this.task.id));
      void refreshRecent();
    } catch (error) {
      showError(this.ui.error, error);
      this.ui.cancel.disabled = false;
    }
  }

  async clear() {
    if (!this.task) return;
    const id = this.task.id;
    this.ui.clear.disabled = true;
    this.stopWaiting();
    try {
      await api.clear(id);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        showError(this.ui.error, error);
        this.ui.clear.disabled = false;
        return;
      }
    }
    this.reset();
    void refreshRecent();
  }

  stopWaiting() {
    this.waiting?.abort();
    this.waiting = null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Export panel.

const exportForm = $<HTMLFormElement>('export-form');
const exportType = $<HTMLSelectElement>('export-type');
const exportFormat = $<HTMLSelectElement>('export-format');
const exportFileName = $<HTMLInputElement>('export-filename');
const exportParams = $('export-params');
const exportDownload = $<HTMLAnchorElement>('export-download');
const exportResult = $('export-result');
let paramFields: ParamField[] = [];
let catalog: Catalog = { exports: [], imports: [] };

const exportPanel = new TaskPanel({
  kind: 'export',
  start: $<HTMLButtonElement>('export-start'),
  error: $('export-error'),
  box: $('export-task'),
  phase: $('export-phase'),
  file: $('export-file'),
  bar: $<HTMLProgressElement>('export-progress'),
  percent: $('export-percent'),
  message: $('export-message'),
  cancel: $<HTMLButtonElement>('export-cancel'),
  clear: $<HTMLButtonElement>('export-clear'),
  canStart: () => Boolean(exportType.value),
  renderResult(task) {
    const done = task?.state === true && task.url !== null;
    exportDownload.hidden = !done;
    if (done) {
      exportDownload.href = task.url!;
      exportDownload.download = task.fileName;
      exportDownload.textContent = `Download ${task.fileName}`;
    } else exportDownload.removeAttribute('href');
    const r = task?.result as { rows: number; bytes: number; sheets: number } | null | undefined;
    exportResult.textContent = r && 'rows' in r ? `${number(r.rows)} rows · ${bytes(r.bytes)}${r.sheets > 1 ? ` · ${r.sheets} sheets` : ''}` : '';
  },
});

const selectedExport = (): CatalogExport | undefined => catalog.exports.find((t) => t.name === exportType.value);

function onExportTypeChange() {
  const type = selectedExport();
  exportFormat.replaceChildren(...(type?.formats ?? []).map((f) => new Option(f.toUpperCase(), f)));
  exportFileName.placeholder = type?.name ?? '';
  paramFields = type ? buildParamFields(exportParams, type.params) : [];
  clearError(exportPanel.ui.error, exportForm);
  return exportPanel.load(exportType.value).catch((error) => showError(exportPanel.ui.error, error));
}

exportType.addEventListener('change', () => void onExportTypeChange());

exportForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const panel = exportPanel;
  clearError(panel.ui.error, exportForm);
  const params: Record<string, unknown> = {};
  for (const field of paramFields) {
    const value = field.read();
    if (value !== undefined) params[field.name] = value;
  }
  panel.ui.start.disabled = true;
  try {
    const task = await api.startExport({
      type: exportType.value,
      format: exportFormat.value as 'xlsx' | 'csv',
      params,
      ...(exportFileName.value.trim() ? { fileName: exportFileName.value.trim() } : {}),
    });
    panel.attach(task);
    void refreshRecent();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'task_active' && error.task) {
      // Someone (another tab?) already runs this export: show that one instead of failing.
      panel.attach(error.task);
      showNotice(panel.ui.error, `${error.message} — showing the running export.`);
    } else {
      showError(panel.ui.error, error, exportForm);
      panel.updateStart();
    }
  }
});

// ---------------------------------------------------------------------------------------------------------
// Import panel.

const importForm = $<HTMLFormElement>('import-form');
const importType = $<HTMLSelectElement>('import-type');
const importFile = $<HTMLInputElement>('import-file');
const importDryRun = $<HTMLInputElement>('import-dry-run');
const importColumns = $('import-columns');
const importUploadRow = $('import-upload-row');
const importUploadBar = $<HTMLProgressElement>('import-upload-progress');
const importUploadPercent = $('import-upload-percent');
const importResult = $('import-result');
const importReport = $<HTMLAnchorElement>('import-error-report');
const q = (sel: string) => importResult.querySelector<HTMLElement>(`[data-testid="${sel}"]`)!;

const importPanel = new TaskPanel({
  kind: 'import',
  start: $<HTMLButtonElement>('import-start'),
  error: $('import-error'),
  box: $('import-task'),
  phase: $('import-phase'),
  file: $('import-file-name'),
  bar: $<HTMLProgressElement>('import-progress'),
  percent: $('import-percent'),
  message: $('import-message'),
  cancel: $<HTMLButtonElement>('import-cancel'),
  clear: $<HTMLButtonElement>('import-clear'),
  canStart: () => Boolean(importType.value && importFile.files?.length),
  renderResult(task) {
    const r = task?.result as { total: number; imported: number; rejected: number; errorReportUrl: string | null; dryRun: boolean } | null | undefined;
    const has = Boolean(r && 'imported' in r);
    importResult.hidden = !has;
    q('import-total').textContent = has ? number(r!.total) : '';
    q('import-imported').textContent = has ? `${number(r!.imported)}${r!.dryRun ? ' (dry run)' : ''}` : '';
    q('import-rejected').textContent = has ? number(r!.rejected) : '';
    const report = has ? r!.errorReportUrl : null;
    importReport.hidden = !report;
    if (report) importReport.href = report;
    else importReport.removeAttribute('href');
    if (!task) {
      importUploadRow.hidden = true;
      setProgress(importUploadBar, importUploadPercent, 0, '');
    }
  },
});

function onImportTypeChange() {
  const type = catalog.imports.find((t) => t.name === importType.value);
  importColumns.textContent = type
    ? `Columns: ${type.columns.map((c) => `${c.header}${c.required ? '*' : ''}`).join(', ')}  (* required)`
    : catalog.imports.length
      ? ''
      : 'The catalog has no import types yet.';
  clearError(importPanel.ui.error);
  return importPanel.load(importType.value).catch((error) => showError(importPanel.ui.error, error));
}

importType.addEventListener('change', () => void onImportTypeChange());
importFile.addEventListener('change', () => importPanel.updateStart());

importForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const panel = importPanel;
  const file = importFile.files?.[0];
  if (!file) return;
  clearError(panel.ui.error);
  panel.reset();
  panel.ui.start.disabled = true;
  importUploadRow.hidden = false;
  setProgress(importUploadBar, importUploadPercent, 0, '0%');
  panel.ui.box.hidden = false;
  panel.ui.box.dataset.phase = 'uploading';
  panel.ui.phase.textContent = 'Uploading';
  panel.ui.file.textContent = file.name;
  try {
    const task = await api.startImport(file, {
      type: importType.value,
      dryRun: importDryRun.checked,
      onUploadProgress: (loaded, total) => {
        const pct = total ? Math.floor((loaded / total) * 100) : null;
        setProgress(importUploadBar, importUploadPercent, pct, pct === null ? bytes(loaded) : `${pct}%`);
      },
    });
    setProgress(importUploadBar, importUploadPercent, 100, '100%');
    importForm.reset();
    panel.attach(task);
    void refreshRecent();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'task_active' && error.task) {
      panel.attach(error.task);
      showNotice(panel.ui.error, `${error.message} — showing the running import.`);
    } else {
      panel.reset();
      showError(panel.ui.error, error);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------
// Recent tasks.

const recentBody = $('recent-body');
const recentEmpty = $('recent-empty');
let recentSeq = 0;

async function refreshRecent() {
  const seq = ++recentSeq;
  let tasks: TaskView[];
  try {
    tasks = await api.listTasks({ limit: 10 });
  } catch {
    return; // the panels show errors; the list just stays as it was
  }
  if (seq !== recentSeq) return;
  recentBody.replaceChildren(
    ...tasks.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.taskId = t.id;
      tr.dataset.phase = t.phase;
      const cell = (text: string, cls?: string) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls) td.className = cls;
        return td;
      };
      const link = document.createElement('td');
      const url = t.url ?? (t.result && 'errorReportUrl' in t.result ? t.result.errorReportUrl : null);
      if (url) {
        const a = document.createElement('a');
        a.href = url;
        a.textContent = t.url ? 'Download' : 'Error report';
        a.setAttribute('download', '');
        link.append(a);
      }
      const pct = t.progress.percent;
      tr.append(
        cell(t.kind),
        cell(t.type),
        cell(t.fileName, 'file-cell'),
        cell(PHASE_LABEL[t.phase]),
        cell(pct !== null ? `${pct}%` : t.progress.processed ? number(t.progress.processed) : '—'),
        cell(new Date(t.createdAt).toLocaleString()),
        link,
      );
      return tr;
    }),
  );
  recentEmpty.hidden = tasks.length > 0;
}

$('recent-refresh').addEventListener('click', () => void refreshRecent());

// ---------------------------------------------------------------------------------------------------------
// User switch and start-up.

const userInput = $<HTMLInputElement>('user');
userInput.value = user;
$<HTMLFormElement>('user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const next = userInput.value.trim() || DEFAULT_USER;
  userInput.value = next;
  if (next === user) return;
  user = next;
  localStorage.setItem(USER_KEY, user);
  void loadTasks();
});

async function loadTasks() {
  await Promise.all([onExportTypeChange(), onImportTypeChange(), refreshRecent()]);
}

async function init() {
  const pageError = $('page-error');
  try {
    catalog = await api.catalog();
  } catch (error) {
    showError(pageError, error);
    return;
  }
  pageError.hidden = true;
  exportType.replaceChildren(...catalog.exports.map((t) => new Option(t.title, t.name)));
  importType.replaceChildren(...catalog.imports.map((t) => new Option(t.title, t.name)));
  importType.disabled = catalog.imports.length === 0;
  importFile.disabled = catalog.imports.length === 0;
  await loadTasks();
  document.body.dataset.ready = 'true';
}

void init();
