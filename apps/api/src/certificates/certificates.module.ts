import { Module } from '@nestjs/common';
import { CertificatesHttp } from './certificates.http';
import { DomainAuthorizationsHttp } from './domain-authorizations.http';

/** Placeholders for Let's Encrypt certificates and domain authorizations (501 until built). */
@Module({ controllers: [CertificatesHttp, DomainAuthorizationsHttp] })
export class CertificatesModule {}
