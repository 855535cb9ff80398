// Route table of the staff app.
import { CalendarPage } from './calendar.js';

export const pages = [{ path: '/calendar', component: CalendarPage }];
