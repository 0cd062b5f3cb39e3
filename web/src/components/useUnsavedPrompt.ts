import { Modal } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useBlocker } from 'react-router';
import { zhCN } from '../locales/zh-CN';

const ASK = {
  content: zhCN.common.unsavedBody,
  okText: zhCN.common.unsavedLeave,
  cancelText: zhCN.common.unsavedStay,
};

export interface UnsavedPrompt {
  /** Lets a save's own navigation through at once (the state saying "saved" arrives a render later). */
  release: () => void;
  /** For a form's own cancel or close: true when there is nothing to lose or the user agrees to lose it. */
  confirmDiscard: () => Promise<boolean>;
}

/**
 * Asks before unsaved edits are lost: a navigation inside the console waits for a confirm, and closing or
 * reloading the tab gets the browser's own prompt.
 */
export function useUnsavedPrompt(dirty: boolean, message: string = zhCN.common.unsaved): UnsavedPrompt {
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirtyRef.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    Modal.confirm({ ...ASK, title: message, onOk: () => blocker.proceed(), onCancel: () => blocker.reset() });
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
    confirmDiscard: () =>
      dirtyRef.current
        ? new Promise((done) =>
            Modal.confirm({ ...ASK, title: message, onOk: () => done(true), onCancel: () => done(false) }),
          )
        : Promise.resolve(true),
  };
}

/** A form's unsaved state for `useUnsavedPrompt`: `touched` on every change, `clean` once saved or sent. */
export function useDirtyForm() {
  const [dirty, setDirty] = useState(false);
  useUnsavedPrompt(dirty);
  return { dirty, touched: () => setDirty(true), clean: () => setDirty(false) };
}
