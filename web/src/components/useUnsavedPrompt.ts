import { Modal } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useBlocker } from 'react-router';
import { zhCN } from '../locales/zh-CN';

/**
 * While `dirty`, leaving the page asks first: a route change inside the console through a confirm dialog
 * (the router's blocker), a reload or a closed tab through the browser's own prompt.
 */
export function useUnsavedPrompt(dirty: boolean): void {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  const current = useRef(blocker);
  current.current = blocker;
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    const ask = current.current;
    Modal.confirm({
      title: zhCN.common.unsavedTitle,
      content: zhCN.common.unsavedBody,
      okText: zhCN.common.unsavedLeave,
      cancelText: zhCN.common.unsavedStay,
      onOk: () => ask.proceed?.(),
      onCancel: () => ask.reset?.(),
    });
  }, [blocker.state]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
}

/** A form's unsaved state for `useUnsavedPrompt`: `touched` on every change, `clean` once saved or sent. */
export function useDirtyForm() {
  const [dirty, setDirty] = useState(false);
  useUnsavedPrompt(dirty);
  return { dirty, touched: () => setDirty(true), clean: () => setDirty(false) };
}
