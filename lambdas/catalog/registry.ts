/** The catalog: every export and import type the service offers. Add a type: write its file, list it here. */
import * as z from 'zod';
import { contactsImport } from './contacts-import';
import { ordersExport } from './orders-export';
import type { AnyExportType, AnyImportType } from './types';

const exportTypes: readonly AnyExportType[] = [ordersExport];
const importTypes: readonly AnyImportType[] = [contactsImport];

export const findExportType = (name: string): AnyExportType | undefined => exportTypes.find((t) => t.name === name);
export const findImportType = (name: string): AnyImportType | undefined => importTypes.find((t) => t.name === name);
export const listExportTypes = (): readonly AnyExportType[] => exportTypes;
export const listImportTypes = (): readonly AnyImportType[] => importTypes;

/** The public description served by GET /v1/catalog. */
export function describeCatalog() {
  return {
    exports: exportTypes.map((t) => ({
      name: t.name,
      title: t.title,
      formats: t.formats,
      params: z.toJSONSchema(t.params, { io: 'input', unrepresentable: 'any' }),
      columns: t.columns.map(({ key, header, type }) => ({ key, header, type })),
    })),
    imports: importTypes.map((t) => ({
      name: t.name,
      title: t.title,
      formats: t.formats,
      columns: t.columns.map(({ key, header, aliases, required }) => ({ key, header, aliases: aliases ?? [], required })),
    })),
  };
}
