/** `pk_live_`/`pk_test_` + base64(`<frontendApi>$`): the publishable key of a Frontend API host. */
export function publishableKeyFor(frontendApi: string, instance: 'production' | 'development'): string {
  const prefix = instance === 'production' ? 'pk_live_' : 'pk_test_';
  return prefix + Buffer.from(`${frontendApi}$`, 'utf8').toString('base64');
}
