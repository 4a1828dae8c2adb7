export * from './smtp-capture';
