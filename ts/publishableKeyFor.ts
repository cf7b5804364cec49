/** `pk_live_`/`pk_test_` + base64(`<frontendApi>$`): the publishable key of a Frontend API host. */
export function publishableKeyFor(frontendApi: string, instance: 'production' | 'development'): string {
  const prefix = instance === 'production' ? 'pk_live_' : 'pk_test_';
  // The client entry (ConnectClerk's frontendApi) runs this in browsers too, where there is no Buffer.
  const encoded =
    typeof Buffer !== 'undefined'
      ? Buffer.from(`${frontendApi}$`, 'utf8').toString('base64')
      : btoa(String.fromCharCode(...new TextEncoder().encode(`${frontendApi}$`)));
  return prefix + encoded;
}
