import { useMutation } from '@tanstack/react-query';
import { douyinAccountsStartBinding } from '../../client/sdk.gen';

/**
 * Starts a binding and sends this browser to the BFF's bind link, which leads on to Douyin's consent page;
 * the link is tied to the browser that opens it, so it is opened here rather than shown or copied. Douyin
 * sends the browser back to the BFF, which returns it to this page with `?status=bound&account_id=…`.
 */
export function useStartBinding(go: (url: string) => void = (url) => window.location.assign(url)) {
  return useMutation({
    mutationFn: async () => {
      const { data } = await douyinAccountsStartBinding({ throwOnError: true });
      return data.authorize_url;
    },
    onSuccess: go,
  });
}
