import type { AppRoute } from '../app/router.tsx';
import { SignInPage } from './SignInPage.tsx';

export const authRoutes: AppRoute[] = [{ path: '/sign-in', component: SignInPage, public: true }];
