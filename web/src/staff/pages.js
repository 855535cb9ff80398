// Route table of the staff app.
import { CalendarPage } from './calendar.js';
import { BookingWizardPage } from './booking_wizard.js';
import { AppointmentFormPage } from './appointment_form.js';
import { BookingsPage } from './bookings_list.js';

export const pages = [
  { path: '/calendar', component: CalendarPage },
  { path: '/booking/new', component: BookingWizardPage },
  { path: '/appointments/new', component: AppointmentFormPage },
  { path: '/bookings', component: BookingsPage },
];
