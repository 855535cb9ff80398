// Route table of the staff app.
import { CalendarPage } from './calendar.js';
import { BookingWizardPage } from './booking_wizard.js';
import { AppointmentFormPage } from './appointment_form.js';
import { AppointmentsPage } from './appointments_list.js';
import { GroupEventsPage } from './group_events.js';
import { BookingsPage } from './bookings_list.js';
import { PatientsPage, PatientProfilePage } from './patients.js';
import { ServicesPage, ActionsPage, LocationsPage, StaffPage, ResourcesPage } from './setup_pages.js';
import { PackagesPage } from './packages.js';
import { StaffDetailPage } from './staff_detail.js';
import { ProductsPage, StoragesPage, StockPage, ServiceConsumablesPage } from './stock_pages.js';
import { SettingsPage } from './settings.js';
import { UsersPage } from './users.js';
import { TakingsPage, ReceivablesPage, RefundsPage, JournalPage, AccountsPage } from './money.js';

export const pages = [
  { path: '/calendar', component: CalendarPage },
  { path: '/booking/new', component: BookingWizardPage },
  { path: '/appointments/new', component: AppointmentFormPage },
  { path: '/appointments', component: AppointmentsPage },
  { path: '/group-events', component: GroupEventsPage },
  { path: '/bookings', component: BookingsPage },
  { path: '/patients', component: PatientsPage },
  { path: '/patients/:id', component: PatientProfilePage },
  { path: '/services', component: ServicesPage },
  { path: '/services/:id/consumables', component: ServiceConsumablesPage },
  { path: '/products', component: ProductsPage },
  { path: '/storages', component: StoragesPage },
  { path: '/stock', component: StockPage },
  { path: '/actions', component: ActionsPage },
  { path: '/packages', component: PackagesPage },
  { path: '/locations', component: LocationsPage },
  { path: '/resources', component: ResourcesPage },
  { path: '/staff', component: StaffPage },
  { path: '/staff/:id', component: StaffDetailPage },
  { path: '/settings', component: SettingsPage },
  { path: '/users', component: UsersPage },
  { path: '/money/takings', component: TakingsPage },
  { path: '/money/receivables', component: ReceivablesPage },
  { path: '/money/refunds', component: RefundsPage },
  { path: '/money/journal', component: JournalPage },
  { path: '/money/accounts', component: AccountsPage },
];
