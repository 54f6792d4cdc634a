import fc from 'fast-check';
import { jsonPathFirst } from './json-path';

const github = { login: 'octocat', id: 583231, plan: { id: 7, name: 'free' }, emails: ['a@b.c', 'x@y.z'], profile: { user: { email: 'deep@b.c' } } };

describe('userinfo JSONPath', () => {
  it("finds keys anywhere, the shallowest first, with Kontena's default paths", () => {
    expect(jsonPathFirst(github, '$..username;$..login')).toBe('octocat');
    expect(jsonPathFirst(github, '$..id;$..uid;$..userid,$..user_id')).toBe(583231);
    expect(jsonPathFirst(github, '$..email;$..emails;$..primary_email')).toBe('deep@b.c');
    expect(jsonPathFirst({ emails: ['a@b.c', 'x@y.z'] }, '$..email;$..emails')).toBe('a@b.c');
  });

  it('follows child paths and indexes', () => {
    expect(jsonPathFirst(github, '$.plan.name')).toBe('free');
    expect(jsonPathFirst(github, '$.emails[1]')).toBe('x@y.z');
    expect(jsonPathFirst({ data: { attributes: { username: 'u' } } }, '$.data..username')).toBe('u');
  });

  it('finds nothing for missing keys, malformed paths and inherited properties', () => {
    expect(jsonPathFirst(github, '$..nope')).toBeUndefined();
    expect(jsonPathFirst(github, 'login')).toBeUndefined();
    expect(jsonPathFirst(github, '$.login!')).toBeUndefined();
    expect(jsonPathFirst({}, '$..constructor')).toBeUndefined();
  });

  it('never throws, whatever the document and the path', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.string(), (document, path) => void jsonPathFirst(document, path)));
  });
});
