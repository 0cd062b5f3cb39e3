import { describe, expect, it } from 'vitest';
import { clearToken, getToken, loginPath, safeNext, setToken } from './session';

describe('session', () => {
  it('keeps the token across reloads in localStorage and clears it', () => {
    setToken('abc');
    expect(window.localStorage.getItem('douflow.token')).toBe('abc');
    expect(getToken()).toBe('abc');
    clearToken();
    expect(getToken()).toBeNull();
  });

  it('only ever goes back to a path of the console', () => {
    expect(safeNext('/contents?kind=titles')).toBe('/contents?kind=titles');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });

  it('builds the login address that comes back to where the user was', () => {
    expect(loginPath({ pathname: '/contents/c1', search: '?v=2', hash: '#x' })).toBe(
      '/login?next=%2Fcontents%2Fc1%3Fv%3D2%23x',
    );
    expect(loginPath({ pathname: '/' })).toBe('/login');
  });
});
