import { Modal } from 'antd';
import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';

/**
 * Asks before unsaved edits are lost: a navigation inside the console waits for a confirm, and closing or
 * reloading the tab gets the browser's own prompt. `release()` lets a save's own navigation through at once
 * (the state saying "saved" arrives a render later).
 */
export function useUnsavedPrompt(dirty: boolean, message: string): { release: () => void } {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirtyRef.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    Modal.confirm({
      title: message,
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, message]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return {
    release: () => {
      dirtyRef.current = false;
    },
  };
}
