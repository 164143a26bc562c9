import { api, call, type Schemas } from '../../../api/client';

export type CalendarYear = Schemas['CalendarYear'];
export type CalendarDay = Schemas['CalendarDay'];
export type WorkingInterval = Schemas['HoursView'];
export type DayInput = Schemas['DayInput'];

/** What a day can be set to (the server names it `kind`). */
export type DayKind = 'holiday' | 'workday';
/** Where a listed day comes from: the bundled mainland China schedule, or this tenant. */
export type DaySource = 'china' | 'tenant';

/** What a calendar import did. */
export type CalendarImportResult = Schemas['CalendarImportResult'];

export const calendarKeys = {
  all: ['calendar'] as const,
  year: (year: number) => ['calendar', year] as const,
};

export const getCalendar = (year: number): Promise<CalendarYear> =>
  call(api.GET('/api/v1/calendar', { params: { query: { year } } }));

export const putDay = (date: string, body: { kind: DayKind; name: string }): Promise<CalendarDay> =>
  call(api.PUT('/api/v1/calendar/days/{date}', { params: { path: { date } }, body }));

export const deleteDay = async (date: string): Promise<void> => {
  await call(api.DELETE('/api/v1/calendar/days/{date}', { params: { path: { date } } }));
};

export const importCalendar = (text: string): Promise<CalendarImportResult> =>
  call(api.POST('/api/v1/calendar/import', { body: { text } }));

export const putSettings = (working_hours: WorkingInterval[]): Promise<CalendarYear> =>
  call(api.PUT('/api/v1/calendar/settings', { body: { working_hours } }));

/** The CSV export of a year (downloaded by the browser with the session). */
export const calendarExportUrl = (year: number): string => `/api/v1/calendar/export?year=${year}`;
