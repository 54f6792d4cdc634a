import { Field } from '../common/validation/field';

/**
 * The bodies Kontena's Let's Encrypt mutations accepted (`mutations/grid_certificates/*`,
 * `mutations/domain_authorizations/authorize.rb`). Checked even though the routes answer 501, so that
 * bad input still gets Kontena's 422 and a client learns what the route will take.
 */
export class RequestCertificateDto {
  @Field({ type: 'array', required: true, of: { type: 'string' }, example: ['www.example.com'] })
  domains!: string[];
}

export class AuthorizeDomainDto {
  @Field({ type: 'string', required: true, example: 'www.example.com' }) domain!: string;
  @Field({ type: 'string', in: ['dns-01', 'http-01', 'tls-sni-01'], description: 'Default dns-01' })
  authorization_type?: string;
  @Field({ type: 'string', description: 'The load balancer service for http-01 and tls-sni-01' })
  linked_service?: string;
}

export class RegisterDto {
  @Field({ type: 'string', required: true, example: 'ops@example.com' }) email!: string;
}

/** The deprecated `POST /v1/certificates/:grid/authorize`. */
export class DeprecatedAuthorizeDto {
  @Field({ type: 'string', required: true, example: 'www.example.com' }) domain!: string;
}

/** The deprecated `POST /v1/certificates/:grid/certificate`. */
export class GetCertificateDto {
  @Field({ type: 'string', required: true, example: 'WWW_EXAMPLE_COM' }) secret_name!: string;
  @Field({ type: 'array', required: true, of: { type: 'string' }, example: ['www.example.com'] })
  domains!: string[];
  @Field({ type: 'string', in: ['cert', 'chain', 'fullchain'], description: 'Default fullchain' })
  cert_type?: string;
}

export class ImportCertificateDto {
  @Field({ type: 'string', required: true, description: 'PEM' }) certificate!: string;
  @Field({ type: 'string', required: true, description: 'PEM' }) private_key!: string;
  @Field({ type: 'array', of: { type: 'string' }, description: 'PEM certificates' }) chain?: string[];
}
